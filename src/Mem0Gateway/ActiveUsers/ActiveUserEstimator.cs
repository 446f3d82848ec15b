using System.Collections.Concurrent;
using Mem0Gateway.Configuration;
using Mem0Gateway.Metrics;
using Mem0Gateway.Privacy;
using Microsoft.Extensions.Options;

namespace Mem0Gateway.ActiveUsers;

/// <summary>
/// Counts distinct mem0 users per service over sliding windows. Ids are turned into keyed 64-bit hashes
/// (<see cref="PersonalIdProtector.Hash64"/>) and only the HyperLogLog registers of those hashes are kept: no id, and no
/// hash, is stored. The gauges are computed when /metrics is scraped.
/// </summary>
public sealed class ActiveUserEstimator
{
    private readonly PersonalIdProtector _protector;
    private readonly TimeProvider _time;
    private readonly int _precision;
    private readonly ConcurrentDictionary<string, SlidingDistinctCounter> _services = new(StringComparer.Ordinal);
    private readonly string[] _configuredServices;
    private readonly Lock _scrapeLock = new();
    private byte[]? _scratch;

    public ActiveUserEstimator(PersonalIdProtector protector, IOptions<ActiveUsersOptions> options, IOptions<GatewayOptions> gateway, TimeProvider time)
    {
        _protector = protector;
        _time = time;
        _precision = options.Value.Precision;
        _configuredServices = gateway.Value.Services.Keys.ToArray();
    }

    public int Precision => _precision;

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

    /// <summary>Sets <c>mem0_gateway_active_users</c> for every configured service and window.</summary>
    public void UpdateGauges(GatewayMetrics metrics)
    {
        foreach (var service in _configuredServices.Union(_services.Keys))
        {
            foreach (var window in ActiveUserWindow.All)
            {
                metrics.ActiveUsers.WithLabels(service, window.Label).Set(Math.Round(Estimate(service, window)));
            }
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
