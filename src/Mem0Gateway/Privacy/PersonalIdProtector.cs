using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Mem0Gateway.Configuration;
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

    private const int HmacLength = 32;

    /// <summary>Enough for the users active in a few seconds of a busy gateway; about 150 KiB when full.</summary>
    private const int RecentIdSlots = 1024;

    [ThreadStatic]
    private static IncrementalHash? t_hmac;

    [ThreadStatic]
    private static PersonalIdProtector? t_hmacOwner;

    private readonly byte[] _key;
    private readonly bool _raw;
    private readonly RecentIdMacs _recent = new(RecentIdSlots);

    public PersonalIdProtector(IOptions<PrivacyOptions> options)
    {
        var privacy = options.Value;
        var key = SecretFile.ReadOrInline(privacy.HashKeyFile, privacy.HashKey, PrivacyOptions.KeyFileSetting);
        _key = key is null ? RandomNumberGenerator.GetBytes(32) : Encoding.UTF8.GetBytes(key);
        _raw = privacy.LogRawIds;
    }

    /// <summary>The value to write in place of <paramref name="id"/>: "h:" and 16 hex digits of HMAC-SHA256.</summary>
    public string Protect(ReadOnlySpan<char> id) => _raw ? id.ToString() : MacOf(id).Token;

    /// <summary>A 64-bit keyed hash of the id, for sketches that count distinct users without storing them.</summary>
    public ulong Hash64(ReadOnlySpan<char> id) => MacOf(id).Hash;

    /// <summary>
    /// A 32-byte key for another keyed purpose (e.g. session affinity hints), derived from the same secret so every
    /// replica that shares <see cref="PrivacyOptions.HashKey"/> derives the same one. The input starts with 0xFF, a
    /// byte no UTF-8 id can contain, so no <see cref="Protect"/> token ever reveals part of a derived key.
    /// </summary>
    public byte[] DeriveKey(string purpose)
    {
        var input = new byte[1 + Encoding.UTF8.GetByteCount(purpose)];
        input[0] = 0xFF;
        Encoding.UTF8.GetBytes(purpose, input.AsSpan(1));
        return HMACSHA256.HashData(_key, input);
    }

    private RecentIdMacs.Entry MacOf(ReadOnlySpan<char> id)
    {
        if (_recent.Find(id) is { } known)
        {
            return known;
        }

        Span<byte> mac = stackalloc byte[HmacLength];
        ComputeMac(id, mac);
        var hash = BinaryPrimitives.ReadUInt64LittleEndian(mac);
        var token = string.Create(TokenPrefix.Length + 16, hash, static (chars, hash) =>
        {
            TokenPrefix.AsSpan().CopyTo(chars);
            Span<byte> bytes = stackalloc byte[sizeof(ulong)];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, hash);
            Convert.TryToHexStringLower(bytes, chars[TokenPrefix.Length..], out _);
        });
        var entry = new RecentIdMacs.Entry(id.ToString(), hash, token);
        _recent.Add(entry);
        return entry;
    }

    private void ComputeMac(ReadOnlySpan<char> id, Span<byte> mac)
    {
        Span<byte> utf8 = id.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(id.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(id.Length)];
        var length = Encoding.UTF8.GetBytes(id, utf8);

        // One HMAC context per thread, reset after each use: the one-shot HMACSHA256.HashData creates and frees a
        // native context and re-keys it on every call, which cost more than the hashing itself (two per request).
        var hmac = t_hmac;
        if (hmac is null || !ReferenceEquals(t_hmacOwner, this))
        {
            hmac?.Dispose();
            hmac = t_hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
            t_hmacOwner = this;
        }

        hmac.AppendData(utf8[..length]);
        hmac.GetHashAndReset(mac);
    }
}
