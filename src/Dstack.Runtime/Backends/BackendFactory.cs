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
