using System.Diagnostics;
using System.Net.Http.Json;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.Tracing;

/// <summary>mem0 operation spans carry the GenAI memory conventions' operation name and record id, and never memory text.</summary>
[Collection(ProcessWideTracingCollection.Name)]
public sealed class GenAiMemorySpanTests
{
    private const string MemoryText = "My locker code is 7781";
    private const string MemoryId = "3f6d2a8e-0b1c-4e5f-9a7b-2c4d6e8f0a1b";

    [Fact]
    public async Task Memory_operations_are_named_as_the_conventions_say()
    {
        await using var traced = await TracedStack.StartAsync();
        using var client = traced.Client("mem0");

        async Task<Activity> ServerSpanOf(Func<Task<HttpResponseMessage>> send)
        {
            using var response = await send();
            var traceId = Assert.Single(response.Headers.GetValues("X-Trace-Id"));
            var spans = await traced.WaitForSpansAsync(traceId, s => s.Any(x => x.Kind == ActivityKind.Server && x.ParentSpanId == default));
            return Assert.Single(spans, s => s.Kind == ActivityKind.Server && s.ParentSpanId == default);
        }

        var add = await ServerSpanOf(() => client.PostAsJsonAsync("/memories", new { messages = new[] { new { role = "user", content = MemoryText } }, user_id = "u1" }));
        var search = await ServerSpanOf(() => client.PostAsJsonAsync("/search", new { query = MemoryText, user_id = "u1" }));
        var update = await ServerSpanOf(() => client.PutAsJsonAsync($"/memories/{MemoryId}", new { text = MemoryText }));
        var delete = await ServerSpanOf(() => client.DeleteAsync($"/memories/{MemoryId}"));
        var deleteAll = await ServerSpanOf(() => client.DeleteAsync("/memories?user_id=u1"));
        var get = await ServerSpanOf(() => client.GetAsync($"/memories/{MemoryId}"));

        string? Operation(Activity span) => span.GetTagItem("gen_ai.operation.name") as string;
        string? Record(Activity span) => span.GetTagItem("gen_ai.memory.record.id") as string;
        Assert.Equal(["upsert_memory", "search_memory", "update_memory", "delete_memory", "delete_memory", null],
            new[] { add, search, update, delete, deleteAll, get }.Select(Operation));
        // A delete without a record id is the conventions' "delete all".
        Assert.Equal([null, null, MemoryId, MemoryId, null], new[] { add, search, update, delete, deleteAll }.Select(Record));
        foreach (var span in new[] { add, search, update, delete, deleteAll, get })
        {
            Assert.DoesNotContain(span.TagObjects, t => t.Value?.ToString()?.Contains("locker", StringComparison.Ordinal) == true);
        }
    }
}
