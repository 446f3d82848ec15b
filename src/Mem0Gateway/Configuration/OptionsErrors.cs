using System.Globalization;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.Configuration;

/// <summary>Collects what is wrong with one options section, each error naming the full key and the value found.</summary>
public sealed class OptionsErrors
{
    private readonly string _section;
    private readonly List<string> _errors = [];

    public OptionsErrors(string section) => _section = section;

    public void Add(string key, object? value, string requirement)
        => _errors.Add($"{_section}:{key} {requirement}, got '{Format(value)}'.");

    /// <summary>For secrets: says what is wrong without repeating the value.</summary>
    public void AddWithoutValue(string key, string problem) => _errors.Add($"{_section}:{key} {problem}.");

    public void RequirePositive(string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            Add(key, value, "must be longer than zero");
        }
    }

    public void RequireAtLeast(string key, long value, long minimum)
    {
        if (value < minimum)
        {
            Add(key, value, $"must be at least {minimum}");
        }
    }

    public void RequireBetween(string key, long value, long minimum, long maximum)
    {
        if (value < minimum || value > maximum)
        {
            Add(key, value, $"must be between {minimum} and {maximum}");
        }
    }

    public void RequireNames(string key, IReadOnlyList<string> names)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(names[i]))
            {
                Add($"{key}:{i}", names[i], "must not be empty");
            }
        }
    }

    public ValidateOptionsResult Result => _errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_errors);

    private static string Format(object? value) => value switch
    {
        null => "",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
