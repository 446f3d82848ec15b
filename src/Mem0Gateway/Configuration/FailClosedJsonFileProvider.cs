using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace Mem0Gateway.Configuration;

/// <summary>Loads <see cref="FailClosedJsonFileSource"/>'s file, and on every change either swaps in the new values
/// whole or keeps the old ones and reports why.</summary>
internal sealed class FailClosedJsonFileProvider : ConfigurationProvider, IDisposable
{
    private readonly FailClosedJsonFileSource _source;
    private readonly PhysicalFileProvider _files;
    private readonly IDisposable _watch;
    private readonly Lock _reloading = new();

    public FailClosedJsonFileProvider(FailClosedJsonFileSource source)
    {
        _source = source;
        _files = new PhysicalFileProvider(System.IO.Path.GetDirectoryName(source.Path)!);
        var fileName = System.IO.Path.GetFileName(source.Path);
        _watch = ChangeToken.OnChange(() => _files.Watch(fileName), () => _ = ReloadAfterDelayAsync());
    }

    /// <summary>The first load: any problem stops the gateway from starting.</summary>
    public override void Load() => Data = Read();

    private async Task ReloadAfterDelayAsync()
    {
        await Task.Delay(_source.ReloadDelay);
        lock (_reloading)
        {
            try
            {
                var data = Read();
                GatewayConfigFileRules.Validate(Data, data, _source.Path);
                Data = data;
            }
            catch (Exception ex)
            {
                _source.OnReloadRejected(ex);
                return;
            }
        }

        OnReload();
    }

    private IDictionary<string, string?> Read()
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(_source.Path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidDataException($"The config file {_source.Path} is missing.", ex);
        }

        if (bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new InvalidDataException($"The config file {_source.Path} is empty.");
        }

        try
        {
            return JsonFileParser.Parse(bytes);
        }
        catch (Exception ex)
        {
            throw new InvalidDataException($"The config file {_source.Path} is not valid JSON.", ex);
        }
    }

    public void Dispose()
    {
        _watch.Dispose();
        _files.Dispose();
    }

    /// <summary>The framework's JSON flattening (keys like <c>ReverseProxy:Routes:x:ClusterId</c>), on bytes in memory.</summary>
    private sealed class JsonFileParser(JsonStreamConfigurationSource source) : JsonStreamConfigurationProvider(source)
    {
        public static IDictionary<string, string?> Parse(byte[] bytes)
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var parser = new JsonFileParser(new JsonStreamConfigurationSource { Stream = stream });
            parser.Load();
            return parser.Data;
        }
    }
}
