using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.Privacy;

/// <summary>
/// Turns a personal identifier into a keyed, non-reversible token for logs and spans: the same id gives the same
/// token (so an operator can follow one user's requests), and without the key nobody can test a guessed id.
/// </summary>
public sealed class PersonalIdProtector
{
    /// <summary>Prefix that tells a reader the value is a token, not an id.</summary>
    public const string TokenPrefix = "h:";

    private readonly byte[] _key;
    private readonly bool _raw;

    public PersonalIdProtector(IOptions<PrivacyOptions> options)
    {
        var privacy = options.Value;
        var key = privacy.HashKeyFile is { Length: > 0 } file ? File.ReadAllText(file).Trim() : privacy.HashKey;
        _key = string.IsNullOrEmpty(key) ? RandomNumberGenerator.GetBytes(32) : Encoding.UTF8.GetBytes(key);
        _raw = privacy.LogRawIds;
    }

    /// <summary>The value to write in place of <paramref name="id"/>: "h:" and 16 hex digits of HMAC-SHA256.</summary>
    public string Protect(ReadOnlySpan<char> id)
    {
        if (_raw)
        {
            return id.ToString();
        }

        Span<byte> utf8 = id.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(id.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(id.Length)];
        var length = Encoding.UTF8.GetBytes(id, utf8);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, utf8[..length], mac);
        return string.Create(TokenPrefix.Length + 16, mac[..8].ToArray(), static (chars, bytes) =>
        {
            TokenPrefix.AsSpan().CopyTo(chars);
            Convert.TryToHexStringLower(bytes, chars[TokenPrefix.Length..], out _);
        });
    }

    /// <summary>A 64-bit keyed hash of the id, for sketches that count distinct users without storing them.</summary>
    public ulong Hash64(ReadOnlySpan<char> id)
    {
        Span<byte> utf8 = id.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(id.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(id.Length)];
        var length = Encoding.UTF8.GetBytes(id, utf8);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, utf8[..length], mac);
        return BitConverter.ToUInt64(mac);
    }
}
