namespace Mem0Gateway;

/// <summary>
/// Every event id the gateway's own log messages use, in one place so that ids stay unique and a log search by id
/// finds one message. Ranges: 1-999 proxy, 1000-1099 start-up summary, 4000-4099 upstream health and config reload,
/// 7000-7099 status page.
/// </summary>
public static class LogEventIds
{
    public const int RequestObserverFailed = 1;
    public const int RouteWithoutListener = 10;

    public const int StartupStarted = 1001;
    public const int StartupService = 1002;
    public const int StartupManagementWithStatusPage = 1003;
    public const int StartupManagement = 1004;
    public const int StartupTracing = 1005;

    public const int DestinationDown = 4001;
    public const int DestinationUp = 4002;

    public const int ConfigReloaded = 4010;
    public const int ConfigReloadRejected = 4011;

    public const int StatusPageSampleFailed = 7001;
}
