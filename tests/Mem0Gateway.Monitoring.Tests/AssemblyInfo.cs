using System.Runtime.Versioning;

// The tests drive Debian's Prometheus/Alertmanager and bash scripts: Linux only.
[assembly: SupportedOSPlatform("linux")]
