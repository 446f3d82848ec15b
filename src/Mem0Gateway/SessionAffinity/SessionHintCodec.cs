using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Mem0Gateway.Privacy;

namespace Mem0Gateway.SessionAffinity;

/// <summary>
/// Adds and checks the destination hint on a client-facing MCP session id:
/// <c>{upstream id}~{base64url(destination id)}.{base64url(MAC)}</c>, where the MAC is the first 16 bytes of
/// HMAC-SHA256(affinity key, cluster id \0 destination id \0 upstream id). The key is derived from the privacy hash
/// key, so every replica that shares that secret reads every other replica's hints, and nobody without it can make one.
/// </summary>
public sealed class SessionHintCodec
{
    private const char Separator = '~';
    private const char MacSeparator = '.';
    private const int MacBytes = 16;

    private readonly byte[] _key;

    public SessionHintCodec(PersonalIdProtector protector) => _key = protector.DeriveKey("mcp-session-affinity/v1");

    /// <summary>The id to give the client for a session <paramref name="upstreamId"/> held by <paramref name="destinationId"/>.</summary>
    public string AddHint(string clusterId, string destinationId, string upstreamId)
    {
        Span<byte> mac = stackalloc byte[32];
        ComputeMac(clusterId, destinationId, upstreamId, mac);
        var destination = Encoding.UTF8.GetBytes(destinationId);
        return string.Concat(upstreamId, Separator.ToString(), Base64Url.EncodeToString(destination), MacSeparator.ToString(), Base64Url.EncodeToString(mac[..MacBytes]));
    }

    /// <summary>
    /// Reads the hint on a client-facing id. Verified: <paramref name="upstreamId"/> is the id without it and
    /// <paramref name="destinationId"/> the destination it names. Anything else (no hint, a forged or stale one, a
    /// key that changed) is <see cref="SessionHint.None"/> and the id is left as the client sent it.
    /// </summary>
    public SessionHint Read(string clusterId, string clientId, out string upstreamId, out string destinationId)
    {
        upstreamId = clientId;
        destinationId = string.Empty;
        var tilde = clientId.LastIndexOf(Separator);
        if (tilde <= 0)
        {
            return SessionHint.None;
        }

        var hint = clientId.AsSpan(tilde + 1);
        var dot = hint.IndexOf(MacSeparator);
        if (dot <= 0 || hint.Length - dot - 1 != Base64Url.GetEncodedLength(MacBytes))
        {
            return SessionHint.None;
        }

        Span<byte> destinationBytes = stackalloc byte[Base64Url.GetMaxDecodedLength(dot)];
        Span<byte> claimed = stackalloc byte[MacBytes];
        if (Base64Url.DecodeFromChars(hint[..dot], destinationBytes, out _, out var destinationLength) != System.Buffers.OperationStatus.Done
            || Base64Url.DecodeFromChars(hint[(dot + 1)..], claimed, out _, out var macLength) != System.Buffers.OperationStatus.Done
            || macLength != MacBytes)
        {
            return SessionHint.None;
        }

        string destination;
        try
        {
            destination = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(destinationBytes[..destinationLength]);
        }
        catch (DecoderFallbackException)
        {
            return SessionHint.None;
        }

        var upstream = clientId[..tilde];
        Span<byte> mac = stackalloc byte[32];
        ComputeMac(clusterId, destination, upstream, mac);
        if (!CryptographicOperations.FixedTimeEquals(mac[..MacBytes], claimed))
        {
            return SessionHint.None;
        }

        upstreamId = upstream;
        destinationId = destination;
        return SessionHint.Verified;
    }

    private void ComputeMac(string clusterId, string destinationId, string upstreamId, Span<byte> mac)
    {
        var input = Encoding.UTF8.GetBytes(string.Concat(clusterId, "\0", destinationId, "\0", upstreamId));
        HMACSHA256.HashData(_key, input, mac);
    }
}
