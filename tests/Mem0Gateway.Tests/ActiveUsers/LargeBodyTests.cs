using System.Net;
using System.Net.Http.Headers;
using Mem0Gateway.Testing;

namespace Mem0Gateway.Tests.ActiveUsers;

/// <summary>Measures allocations of the whole process, so nothing else may run at the same time.</summary>
[CollectionDefinition(nameof(AllocationMeasuring), DisableParallelization = true)]
public sealed class AllocationMeasuring;

/// <summary>A route whose small JSON bodies are read for <c>user_id</c> still streams a huge body untouched.</summary>
[Collection(nameof(AllocationMeasuring))]
public sealed class LargeBodyTests
{
    private const long Size = 50L * 1024 * 1024;
    private const long Small = 5L * 1024 * 1024;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_50_MiB_json_body_on_a_peeking_route_streams_through_byte_identical_without_being_held_in_memory(bool declareLength)
    {
        await using var stack = await GatewayWithUpstreams.StartForMcpAsync(o => o.Settings["Gateway:Limits:MaxRequestBodySize"] = (2 * Size).ToString());
        using var client = stack.Gateway.Client("mem0");
        client.Timeout = TimeSpan.FromMinutes(2);

        async Task<long> PostAsync(long size)
        {
            GC.Collect();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            using var content = new StreamContent(new PatternStream(size));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            if (declareLength)
            {
                content.Headers.ContentLength = size;
            }

            using var response = await client.PostAsync("/memories", content);
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var received = stack.Mem0.RequestsTo("POST", "/memories").Last();
            Assert.Equal(size, received.BodyLength);
            Assert.Equal(PatternStream.Sha256(size), received.BodySha256);
            return allocated;
        }

        await PostAsync(Small); // grows the socket and pipe buffer pools once
        var small = await PostAsync(Small);
        var large = await PostAsync(Size);

        // Client, gateway and upstream share this process (the upstream alone keeps the first MiB of each body), so a
        // few MiB are allocated per request whatever its size; ten times the body must not cost anything near the body.
        const long MiB = 1024 * 1024;
        Assert.True(large < Size / 4, $"{large / MiB} MiB allocated while streaming a {Size / MiB} MiB body");
        Assert.True(large - small < (Size - Small) / 10, $"{small / MiB} MiB for {Small / MiB} MiB, {large / MiB} MiB for {Size / MiB} MiB");
    }
}
