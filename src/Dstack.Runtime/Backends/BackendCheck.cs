namespace Dstack.Runtime.Backends;

/// <summary>What a backend's check found for one of its machines (or for the backend as a whole).</summary>
/// <param name="Machine">The machine checked (a pool host, this machine's name), or empty for the backend.</param>
/// <param name="Ok">True when it works now.</param>
/// <param name="Status">One word: <c>ok</c>, <c>reachable</c>, <c>unreachable</c>, <c>refused</c>.</param>
/// <param name="Details">What was found (its resources), or why it does not work and what to do.</param>
public sealed record BackendCheck(string Machine, bool Ok, string Status, string Details);
