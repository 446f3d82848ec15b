namespace Mem0Gateway.Configuration;

/// <summary>
/// Reads a secret (token, key) from the file a setting names, Docker/Kubernetes style. A missing file and one with
/// nothing but whitespace fail alike, naming the setting and the file: an empty secret file must never quietly turn
/// protection off or fall back to a default.
/// </summary>
public static class SecretFile
{
    /// <summary>The file's secret when <paramref name="file"/> is set, else <paramref name="inline"/>; null when neither is.</summary>
    /// <exception cref="InvalidOperationException">The file is missing, unreadable or empty.</exception>
    public static string? ReadOrInline(string? file, string? inline, string fileSetting)
    {
        if (!string.IsNullOrWhiteSpace(file))
        {
            return Read(file, fileSetting);
        }

        return string.IsNullOrWhiteSpace(inline) ? null : inline.Trim();
    }

    /// <exception cref="InvalidOperationException">The file is missing, unreadable or empty.</exception>
    public static string Read(string file, string fileSetting)
        => TryRead(file, out var secret, out var problem)
            ? secret
            : throw new InvalidOperationException($"{fileSetting} {problem}.");

    /// <summary>For options validators: what is wrong with the file ("names the file X, which is empty"), never the secret.</summary>
    public static bool TryRead(string file, out string secret, out string problem)
    {
        secret = string.Empty;
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = $"names the file {file}, which cannot be read ({ex.Message})";
            return false;
        }

        secret = text.Trim();
        problem = secret.Length > 0 ? string.Empty : $"names the file {file}, which is empty: put the secret in it, or unset the setting";
        return secret.Length > 0;
    }
}
