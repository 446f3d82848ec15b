using System.Security.Cryptography;
using System.Text;
using Mem0Gateway.Privacy;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.Tests.Privacy;

/// <summary>
/// The token an operator finds in logs is documented as "h:" + the first 8 bytes of HMAC-SHA256(key, id) in hex, so
/// that with the key they can compute a user's token themselves; two gateways with the same key agree.
/// </summary>
public sealed class PersonalIdProtectorTests
{
    [Fact]
    public void Tokens_are_the_documented_hmac_and_two_keys_never_share_them_even_when_used_on_one_thread()
    {
        var first = new PersonalIdProtector(Options.Create(new PrivacyOptions { HashKey = "key-one" }));
        var second = new PersonalIdProtector(Options.Create(new PrivacyOptions { HashKey = "key-two" }));
        string[] ids = ["alice", "bob@example.com", "ünïcødé-user", new string('x', 400)];
        foreach (var id in ids)
        {
            // Interleaved, so that any per-thread reuse of HMAC state would show as a wrong token.
            Assert.Equal(Expected("key-one", id), first.Protect(id));
            Assert.Equal(Expected("key-two", id), second.Protect(id));
            Assert.Equal(Expected("key-one", id), first.Protect(id));
            Assert.Equal(Convert.ToHexStringLower(BitConverter.GetBytes(first.Hash64(id))), Expected("key-one", id)[2..]);
        }

        var tokens = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 2000, i => tokens.Add(first.Protect(ids[i % ids.Length])));
        Assert.Equal(ids.Select(id => Expected("key-one", id)).Order(), tokens.Distinct().Order());
    }

    [Fact]
    public void Many_more_ids_than_the_gateway_remembers_still_get_their_own_tokens_from_any_thread()
    {
        // Far more distinct ids than the recent-id cache holds, asked in parallel and asked again: a slot shared by two
        // ids, or one replaced while read, must never hand one user's token (or sketch hash) to another.
        var protector = new PersonalIdProtector(Options.Create(new PrivacyOptions { HashKey = "key-one" }));
        var ids = Enumerable.Range(0, 20_000).Select(i => $"user-{i}").ToArray();
        for (var pass = 0; pass < 2; pass++)
        {
            Parallel.For(0, ids.Length * 2, i =>
            {
                var id = ids[(i * 7919) % ids.Length];
                var expected = Expected("key-one", id);
                Assert.Equal(expected, protector.Protect(id));
                Assert.Equal(expected[2..], Convert.ToHexStringLower(BitConverter.GetBytes(protector.Hash64(id.AsSpan()))));
            });
        }

        Assert.Equal(Expected("key-one", "user-1"), protector.Protect("user-1-extra".AsSpan(0, 6)));
    }

    private static string Expected(string key, string id)
        => "h:" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(id))[..8]);
}
