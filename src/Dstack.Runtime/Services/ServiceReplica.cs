namespace Dstack.Runtime.Services;

/// <summary>
/// One copy of a service as its endpoint sees it: a number (1, 2, … in the order they started) and the address that
/// reaches its port from the endpoint (on this machine: the job's port, or the local end of its forward).
/// </summary>
/// <param name="Number">The replica's number, as <c>dstack ps</c> shows it.</param>
/// <param name="Address">Where its port answers, as an absolute http URI with no path: <c>http://127.0.0.1:41234/</c>.</param>
public sealed record ServiceReplica(int Number, Uri Address);
