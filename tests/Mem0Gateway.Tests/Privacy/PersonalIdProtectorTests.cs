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

    private static string Expected(string key, string id)
        => "h:" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(id))[..8]);
}
