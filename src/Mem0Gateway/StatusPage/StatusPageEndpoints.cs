namespace Mem0Gateway.StatusPage;

/// <summary>
/// The status page's two endpoints, so the host can pin both to the management port and protect the data: the page
/// itself holds nothing secret (it asks for the token), <see cref="Data"/> carries the numbers.
/// </summary>
public sealed record StatusPageEndpoints(IEndpointConventionBuilder Page, IEndpointConventionBuilder Data);
