using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Backends;

/// <summary>
/// Makes the backend of one type from its <c>backends:</c> entry. It checks the entry's keys and values itself and
/// reports each problem with the entry's place in config.yml; it returns null when the backend is left out (a problem,
/// nothing to offer, <c>enabled: false</c>).
/// </summary>
/// <param name="entry">The entry of this type, or null when config.yml has none (for a type made without one).</param>
/// <param name="config">The whole file, for settings kept outside the list (the old <c>ssh_hosts:</c>).</param>
/// <param name="home">The state folder.</param>
/// <param name="diagnostics">
/// Where this backend's problems go (they name config.yml): a bag of its own, so <see cref="DiagnosticBag.HasErrors"/>
/// says whether its settings had a problem.
/// </param>
public delegate IBackend? BackendFactory(BackendEntry? entry, BackendsConfig config, DstackHome home, DiagnosticBag diagnostics);

/// <summary>A backend type that config.yml may configure, and how to make it.</summary>
/// <param name="Type">The name <c>type:</c> gives it, such as <c>ssh</c>.</param>
/// <param name="Create">Makes the backend.</param>
/// <param name="WithoutEntry">
/// True when <paramref name="Create"/> is also called when config.yml has no entry of the type (this machine, which
/// is on unless switched off; the SSH pool, whose hosts may still be under the old <c>ssh_hosts:</c>).
/// </param>
public sealed record BackendRegistration(string Type, BackendFactory Create, bool WithoutEntry = false);
