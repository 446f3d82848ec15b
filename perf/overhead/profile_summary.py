#!/usr/bin/env python3
"""Summarise a perf/overhead/profile.sh run: CPU microseconds per request by component, and the top frames.

Usage: profile_summary.py DIR [--compare OTHER_DIR]
DIR holds perf.txt (`perf script` output, 999 Hz, so one sample is about 1 ms of CPU) and requests (requests served
while perf ran). A sample is charged to the first component (in the order below) with a frame anywhere in its stack,
so a component's figure includes what it calls; samples of no component are charged to their thread.
"""
import collections
import re
import sys

# Order matters: the first match wins, so narrower components come before the ones that contain them.
COMPONENTS = [
    ("log writer (format + write)", r"EcsJsonFormatter|BackgroundLogWriterSink|BatchingSink"),
    ("OTLP export", r"BatchExportThreadWorker|OtlpTraceExporter"),
    ("access log (request thread)", r"AccessLogObserver|ByteCountingStream"),
    ("trace observer", r"ProxyTraceObserver|ProxyTrafficOnlyProcessor|SpanPrivacyProcessor"),
    ("request metrics", r"RequestMetricsObserver|Prometheus\."),
    ("OTel instrumentations", r"OpenTelemetry\.Instrumentation|DiagnosticSourceListener"),
    ("activities (spans)", r"System\.Diagnostics\.Activity|HostingApplicationDiagnostics::(Start|Stop)Activity"
                           r"|DiagnosticsHandler::(StartActivity|InjectHeaders)|TracerProviderSdk"),
    ("user ids (active users, tokens)", r"ActiveUserEstimator|PersonalIdProtector|QueryParameter::Find"),
    ("URL redaction", r"RequestUrlRedactor"),
    ("passive health", r"TransportAndServerErrorRate"),
]
SAMPLE_MS = 1000 / 999


def frame_name(line):
    match = re.match(r"[0-9a-f]+\s+(.*)\s+\((.*)\)$", line.strip())
    if not match:
        return line.strip()
    symbol, module = match.groups()
    if symbol.startswith("[unknown]"):
        symbol = "?" + module.rsplit("/", 1)[-1]
    symbol = re.sub(r"/\* MT: 0x[0-9a-f]+ \*/", "", symbol)
    symbol = re.sub(r"\[(OptimizedTier1|Optimized|Tier0|Tier1|QuickJitted|OSR|OptimizedTier1OSR)\]", "", symbol)
    return re.sub(r"\+0x[0-9a-f]+$", "", symbol).strip()


def load(directory):
    requests = int(open(f"{directory}/requests").read().split()[0])
    components, leaves = collections.Counter(), collections.Counter()
    for block in open(f"{directory}/perf.txt", errors="replace").read().split("\n\n"):
        lines = [line for line in block.split("\n") if line.strip()]
        if len(lines) < 2:
            continue
        frames = [frame_name(line) for line in lines[1:]]
        stack = "\n".join(frames)
        leaves[frames[0]] += 1
        for name, pattern in COMPONENTS:
            if re.search(pattern, stack):
                components[name] += 1
                break
        else:
            components["other: " + re.split(r"\s{2,}|\s\d", lines[0].strip())[0]] += 1
    per_request = lambda counter: {k: v * SAMPLE_MS * 1000 / requests for k, v in counter.items()}
    return requests, per_request(components), per_request(leaves)


def main():
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    requests, components, leaves = load(args[0])
    other = load(args[2]) if len(args) > 2 and args[1] == "--compare" else None
    print(f"# CPU per request: {args[0]}\n")
    print(f"{requests} requests while sampled; {sum(components.values()):.1f} us of CPU per request in all.\n")
    if other:
        print(f"Compared with {args[2]} ({sum(other[1].values()):.1f} us per request).\n")
        print("| component | us/request | compared | difference |\n|---|--:|--:|--:|")
        keys = sorted(set(components) | set(other[1]), key=lambda k: -(components.get(k, 0) - other[1].get(k, 0)))
        for key in keys:
            a, b = components.get(key, 0), other[1].get(key, 0)
            print(f"| {key} | {a:.2f} | {b:.2f} | {a - b:+.2f} |")
    else:
        print("| component | us/request |\n|---|--:|")
        for key, value in sorted(components.items(), key=lambda kv: -kv[1]):
            print(f"| {key} | {value:.2f} |")
    print("\nTop frames by own time (us/request):\n")
    for key, value in sorted(leaves.items(), key=lambda kv: -kv[1])[:25]:
        print(f"- {value:.2f} {key[:150]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
