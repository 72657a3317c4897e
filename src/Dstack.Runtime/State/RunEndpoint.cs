namespace Dstack.Runtime.State;

/// <summary>
/// Where a running run can be reached, as its controller publishes it once it is ready: a service's URL, a dev
/// environment's IDE link and its SSH host alias. Gone when the run ends (a front end shows only live addresses).
/// </summary>
/// <param name="Kind">One of <see cref="RunEndpointKind"/>.</param>
/// <param name="Address">The URL, link or host alias.</param>
public sealed record RunEndpoint(string Kind, string Address);
