using System.Buffers.Binary;
using System.Collections.Concurrent;
using Mem0Gateway.Configuration;
using Mem0Gateway.Privacy;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Mem0Gateway.ActiveUsers;

/// <summary>
/// The cluster-wide distinct-user count, kept in Redis HyperLogLogs that every replica adds to. Requests only queue
/// a hash (<see cref="Enqueue"/>); a background loop sends the queue as one pipelined batch of <c>PFADD</c>s per
/// interval and reads the windows back with <c>PFCOUNT</c> over their buckets, so no request ever waits on Redis.
/// Keys: <c>{prefix}:{service}:{bucket seconds}:{bucket number}</c>, one per bucket of each window, expiring once the
/// window has passed them; a window's count is the union of its buckets, as in <see cref="SlidingDistinctCounter"/>.
/// </summary>
public sealed class RedisActiveUserStore : BackgroundService
{
    private readonly ActiveUsersOptions _options;
    private readonly ILogger<RedisActiveUserStore> _logger;
    private readonly TimeProvider _time;
    private readonly bool _sharedHashKey;
    private readonly string[] _services;
    private readonly ConcurrentQueue<(string Service, ulong Hash)> _queue = new();
    private readonly Dictionary<string, HashSet<ulong>> _unsent = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Service, string Window), long> _counts = new();
    private int _queued;
    private int _unsentCount;
    private volatile bool _up;
    private bool _reportedDown;
    private ConnectionMultiplexer? _redis;

    public RedisActiveUserStore(IOptions<ActiveUsersOptions> options, IOptions<GatewayOptions> gateway, IOptions<PrivacyOptions> privacy,
        ILogger<RedisActiveUserStore> logger, TimeProvider time)
    {
        _sharedHashKey = !string.IsNullOrEmpty(privacy.Value.HashKey) || !string.IsNullOrEmpty(privacy.Value.HashKeyFile);
        _options = options.Value;
        _logger = logger;
        _time = time;
        _services = gateway.Value.Services.Keys.ToArray();
    }

    /// <summary>True while the last exchange with Redis succeeded.</summary>
    public bool IsUp => _up;

    /// <summary>Queues a user hash for Redis; drops it (it still counts locally) when the queue is full.</summary>
    public void Enqueue(string service, ulong hash)
    {
        if (Interlocked.Increment(ref _queued) > _options.MaxPendingRedisWrites)
        {
            Interlocked.Decrement(ref _queued);
            return;
        }

        _queue.Enqueue((service, hash));
    }

    /// <summary>The last cluster-wide count read for a service and window, if any was.</summary>
    public bool TryGetCount(string service, ActiveUserWindow window, out long count) => _counts.TryGetValue((service, window.Label), out count);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_sharedHashKey)
        {
            ActiveUserStoreLog.NoSharedHashKey(_logger);
        }

        var config = ConfigurationOptions.Parse(_options.RedisConnectionString!);
        // Start while Redis is down and keep retrying: the gateway serves either way.
        config.AbortOnConnectFail = false;
        _redis = await ConnectionMultiplexer.ConnectAsync(config);
        using var timer = new PeriodicTimer(_options.RedisFlushInterval, _time);
        try
        {
            do
            {
                await ExchangeAsync();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_redis is not null)
        {
            await ExchangeAsync(); // what the last interval queued
            await _redis.DisposeAsync();
        }
    }

    private async Task ExchangeAsync()
    {
        Drain();
        try
        {
            var db = _redis!.GetDatabase();
            var now = _time.GetUtcNow().ToUnixTimeSeconds();
            await WriteAsync(db, now);
            await ReadAsync(db, now);
            // The log line comes before the metric changes, so whoever sees the metric can find the line.
            if (_reportedDown)
            {
                ActiveUserStoreLog.StoreBack(_logger);
                _reportedDown = false;
            }

            _up = true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            if (!_reportedDown)
            {
                ActiveUserStoreLog.StoreDown(_logger, ex.GetType().Name, ex.Message);
                _reportedDown = true;
            }

            _up = false;
        }
    }

    private void Drain()
    {
        while (_queue.TryDequeue(out var item))
        {
            Interlocked.Decrement(ref _queued);
            if (_unsentCount >= _options.MaxPendingRedisWrites)
            {
                continue;
            }

            if (!_unsent.TryGetValue(item.Service, out var hashes))
            {
                _unsent[item.Service] = hashes = [];
            }

            if (hashes.Add(item.Hash))
            {
                _unsentCount++;
            }
        }
    }

    private async Task WriteAsync(IDatabase db, long now)
    {
        if (_unsentCount == 0)
        {
            return;
        }

        var batch = db.CreateBatch();
        var sent = new List<Task>();
        foreach (var (service, hashes) in _unsent)
        {
            var values = new RedisValue[hashes.Count];
            var i = 0;
            foreach (var hash in hashes)
            {
                var bytes = new byte[sizeof(ulong)];
                BinaryPrimitives.WriteUInt64LittleEndian(bytes, hash);
                values[i++] = bytes;
            }

            foreach (var window in ActiveUserWindow.All)
            {
                var width = (long)window.BucketWidth.TotalSeconds;
                RedisKey key = Key(service, width, now / width);
                sent.Add(batch.HyperLogLogAddAsync(key, values));
                sent.Add(batch.KeyExpireAsync(key, TimeSpan.FromSeconds(width * (window.Buckets + 2))));
            }
        }

        batch.Execute();
        await Task.WhenAll(sent);
        _unsent.Clear();
        _unsentCount = 0;
    }

    private async Task ReadAsync(IDatabase db, long now)
    {
        var reads = new List<(string Service, string Window, Task<long> Count)>();
        var batch = db.CreateBatch();
        foreach (var service in _services)
        {
            foreach (var window in ActiveUserWindow.All)
            {
                var width = (long)window.BucketWidth.TotalSeconds;
                var keys = new RedisKey[window.Buckets + 1];
                for (var b = 0; b < keys.Length; b++)
                {
                    keys[b] = Key(service, width, (now / width) - b);
                }

                reads.Add((service, window.Label, batch.HyperLogLogLengthAsync(keys)));
            }
        }

        batch.Execute();
        await Task.WhenAll(reads.Select(r => r.Count));
        foreach (var (service, window, count) in reads)
        {
            _counts[(service, window)] = count.Result;
        }
    }

    private string Key(string service, long widthSeconds, long bucket) => $"{_options.RedisKeyPrefix}:{service}:{widthSeconds}:{bucket}";
}
