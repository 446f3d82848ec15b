using System.Collections.Concurrent;
using Mem0Gateway.Configuration;
using Mem0Gateway.Privacy;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.ActiveUsers;

/// <summary>
/// Counts distinct mem0 users per service over sliding windows. Ids are turned into keyed 64-bit hashes
/// (<see cref="PersonalIdProtector.Hash64"/>) and only the HyperLogLog registers of those hashes are kept: no id, and no
/// hash, is stored. The gauges are computed when /metrics is scraped.
/// </summary>
public sealed class ActiveUserEstimator : IUserActivityRecorder
{
    private readonly PersonalIdProtector _protector;
    private readonly TimeProvider _time;
    private readonly int _precision;
    private readonly ConcurrentDictionary<string, SlidingDistinctCounter> _services = new(StringComparer.Ordinal);
    private readonly string[] _configuredServices;
    private readonly Lock _scrapeLock = new();
    private readonly RedisActiveUserStore? _clusterStore;
    private byte[]? _scratch;

    public ActiveUserEstimator(PersonalIdProtector protector, IOptions<ActiveUsersOptions> options, IOptions<GatewayOptions> gateway, TimeProvider time,
        RedisActiveUserStore? clusterStore = null)
    {
        _protector = protector;
        _clusterStore = clusterStore;
        _time = time;
        _precision = options.Value.Precision;
        _configuredServices = gateway.Value.Services.Keys.ToArray();
    }

    /// <summary>Counts the user named by <paramref name="userId"/> as active on <paramref name="service"/> now.</summary>
    public ulong Record(string service, ReadOnlySpan<char> userId)
    {
        var hash = _protector.Hash64(userId);
        RecordHash(service, hash);
        return hash;
    }

    public void RecordHash(string service, ulong hash)
    {
        if (!_services.TryGetValue(service, out var counter))
        {
            counter = _services.GetOrAdd(service, _ => new SlidingDistinctCounter(_precision, ActiveUserWindow.All));
        }

        counter.Add(hash, _time.GetUtcNow());
        _clusterStore?.Enqueue(service, hash);
    }

    /// <summary>The estimate for one service and window; 0 for a service that has named no user.</summary>
    public double Estimate(string service, ActiveUserWindow window)
    {
        var index = IndexOf(window);
        if (!_services.TryGetValue(service, out var counter))
        {
            return 0;
        }

        lock (_scrapeLock)
        {
            _scratch ??= new byte[1 << _precision];
            return counter.Estimate(index, _time.GetUtcNow(), _scratch);
        }
    }

    /// <summary>
    /// Sets <c>mem0_gateway_active_users</c> (this replica) for every configured service and window and, with a
    /// cluster store, <c>mem0_gateway_active_users_cluster</c>: the store's count, or this replica's while it is down.
    /// </summary>
    public void UpdateGauges(ActiveUserMetrics metrics)
    {
        var storeUp = _clusterStore?.IsUp ?? false;
        foreach (var service in _configuredServices.Union(_services.Keys))
        {
            foreach (var window in ActiveUserWindow.All)
            {
                var local = Math.Round(Estimate(service, window));
                metrics.Local.WithLabels(service, window.Label).Set(local);
                if (_clusterStore is not null)
                {
                    var cluster = storeUp && _clusterStore.TryGetCount(service, window, out var count) ? count : local;
                    metrics.Cluster.WithLabels(service, window.Label).Set(cluster);
                }
            }
        }

        if (_clusterStore is not null)
        {
            metrics.StoreUp.Set(storeUp ? 1 : 0);
        }
    }

    private static int IndexOf(ActiveUserWindow window)
    {
        for (var i = 0; i < ActiveUserWindow.All.Count; i++)
        {
            if (ReferenceEquals(ActiveUserWindow.All[i], window) || ActiveUserWindow.All[i].Label == window.Label)
            {
                return i;
            }
        }

        throw new ArgumentException($"Unknown window {window.Label}.", nameof(window));
    }
}
