namespace Mem0Gateway.Tests.Tracing;

/// <summary>
/// Tests whose assertions depend on exactly which spans one gateway records run alone: ActivitySources and the
/// ASP.NET Core and HttpClient instrumentations are process-wide, so every other gateway started by a parallel test
/// takes part in sampling (a span is created if ANY tracer provider wants it) and in instrumentation callbacks.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideTracingCollection
{
    public const string Name = "Process-wide tracing";
}
