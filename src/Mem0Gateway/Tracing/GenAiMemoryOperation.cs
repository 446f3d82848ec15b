namespace Mem0Gateway.Tracing;

/// <summary>
/// The OpenTelemetry GenAI memory conventions' <c>gen_ai.operation.name</c> of a mem0 operation, and the record id a
/// route's path carries. Memory text and queries (the opt-in attributes) are never set.
/// </summary>
internal static class GenAiMemoryOperation
{
    public const string OperationName = "gen_ai.operation.name";
    public const string RecordId = "gen_ai.memory.record.id";

    /// <summary>The conventions' operation of a route's mem0 operation; null for operations they do not name.</summary>
    public static string? Of(string operation) => operation switch
    {
        "add" => "upsert_memory",
        "search" => "search_memory",
        "update" => "update_memory",
        "delete" or "delete_all" => "delete_memory",
        _ => null,
    };
}
