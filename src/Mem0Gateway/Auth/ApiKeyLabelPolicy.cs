using System.Collections.Concurrent;
using Mem0Gateway.Privacy;

namespace Mem0Gateway.Auth;

/// <summary>
/// Decides the <c>key</c> label of an accepted API key: its 12-character public prefix (<c>m0sk_</c> + 7, what the
/// mem0 dashboard lists), or a keyed token of it when <see cref="AuthOptions.ProtectKeyPrefixes"/> is on. The first
/// <see cref="AuthOptions.MaxTrackedKeys"/> prefixes get their own label; anything later, and any key not shaped like a
/// mem0 key (whose first characters would be secret), is <c>other</c>. Nothing past the prefix is ever read.
/// </summary>
internal sealed class ApiKeyLabelPolicy
{
    public const string Other = "other";
    private const string KeyScheme = "m0sk_";
    private const int Length = 12;

    private readonly ConcurrentDictionary<string, string> _labels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _max;
    private readonly PersonalIdProtector? _protector;

    public ApiKeyLabelPolicy(AuthOptions options, PersonalIdProtector protector)
    {
        _max = Math.Max(0, options.MaxTrackedKeys);
        _protector = options.ProtectKeyPrefixes ? protector : null;
        _lookup = _labels.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string LabelOf(ReadOnlySpan<char> key)
    {
        if (key.Length <= Length || !key.StartsWith(KeyScheme, StringComparison.Ordinal) || !IsUrlSafe(key[..Length]))
        {
            return Other;
        }

        var prefix = key[..Length];
        if (_lookup.TryGetValue(prefix, out var label))
        {
            return label;
        }

        if (_labels.Count >= _max)
        {
            return Other;
        }

        var text = prefix.ToString();
        return _labels.GetOrAdd(text, static (p, protector) => protector?.Protect(p) ?? p, _protector);
    }

    private static bool IsUrlSafe(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
