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
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{fileSetting} names the file {file}, which cannot be read: {ex.Message}", ex);
        }

        var secret = text.Trim();
        return secret.Length > 0
            ? secret
            : throw new InvalidOperationException($"{fileSetting} names the file {file}, which is empty. Put the secret in it, or unset {fileSetting}.");
    }
}
