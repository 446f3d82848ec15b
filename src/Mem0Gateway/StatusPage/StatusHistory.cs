namespace Mem0Gateway.StatusPage;

/// <summary>
/// Fifteen minutes of sampled counters plus the latest full scrape and the tracked states. Written by the sampler
/// only; readers take a consistent <see cref="View"/> under the lock and compute outside it.
/// </summary>
internal sealed class StatusHistory
{
    /// <summary>The longest window the page shows.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromMinutes(15);

    private readonly Queue<CounterSample> _samples = new();
    private readonly object _lock = new();
    private IReadOnlyList<MetricSeries> _latestSeries = [];
    private Dictionary<(string Service, string Destination), DestinationTrack> _destinations = new();
    private ConfigReloadTrack _reload = new();

    public StatusHistory(DateTimeOffset startedAt) => StartedAt = startedAt;

    public CounterIndex Index { get; } = new();

    /// <summary>When the counters were all zero: the start of the gateway.</summary>
    public DateTimeOffset StartedAt { get; }

    public void Add(CounterSample sample, IReadOnlyList<MetricSeries> series, Dictionary<(string, string), DestinationTrack> destinations, ConfigReloadTrack reload)
    {
        lock (_lock)
        {
            _samples.Enqueue(sample);
            // Keep one sample at or before the start of the longest window, so that window always has a base.
            while (_samples.Count > 2 && _samples.ElementAt(1).At <= sample.At - Longest)
            {
                _samples.Dequeue();
            }

            _latestSeries = series;
            _destinations = destinations;
            _reload = reload;
        }
    }

    public View Snapshot()
    {
        lock (_lock)
        {
            return new View(_samples.ToArray(), _latestSeries, _destinations, _reload, StartedAt);
        }
    }

    /// <summary>A consistent copy for one status report.</summary>
    internal sealed class View
    {
        private readonly CounterSample[] _samples;

        public View(CounterSample[] samples, IReadOnlyList<MetricSeries> series, IReadOnlyDictionary<(string, string), DestinationTrack> destinations,
            ConfigReloadTrack reload, DateTimeOffset startedAt)
        {
            _samples = samples;
            Series = series;
            Destinations = destinations;
            Reload = reload;
            StartedAt = startedAt;
            Latest = samples.Length > 0 ? samples[^1] : new CounterSample(startedAt, []);
        }

        public CounterSample Latest { get; }

        public IReadOnlyList<MetricSeries> Series { get; }

        public IReadOnlyDictionary<(string Service, string Destination), DestinationTrack> Destinations { get; }

        public ConfigReloadTrack Reload { get; }

        public DateTimeOffset StartedAt { get; }

        /// <summary>
        /// The sample a window's deltas start from: the newest taken at or before its start, or all zeros at start-up
        /// when the gateway is younger than the window.
        /// </summary>
        public CounterSample BaseOf(TimeSpan window)
        {
            var start = Latest.At - window;
            for (var i = _samples.Length - 1; i >= 0; i--)
            {
                if (_samples[i].At <= start)
                {
                    return _samples[i];
                }
            }

            return new CounterSample(StartedAt, []);
        }
    }
}
