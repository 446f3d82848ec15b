namespace Mem0Gateway.Configuration;

/// <summary>
/// The gateway's JSON config file as a configuration source that fails closed on reload: a deleted, emptied or
/// unparsable file, or one that leaves a configured service without its cluster or routes, is rejected and the last
/// good values stay live. (The framework's JSON file source drops every value when a reload fails or the file is
/// gone, so one bad save would unroute every request.)
/// </summary>
public sealed class FailClosedJsonFileSource : IConfigurationSource
{
    public FailClosedJsonFileSource(string path) => Path = System.IO.Path.GetFullPath(path);

    public string Path { get; }

    /// <summary>How long after a change the file is read, so an editor's save has finished.</summary>
    public TimeSpan ReloadDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A reload was rejected; the exception says why. The last good values stay live.</summary>
    public event Action<Exception>? ReloadRejected;

    internal void OnReloadRejected(Exception reason) => ReloadRejected?.Invoke(reason);

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new FailClosedJsonFileProvider(this);
}
