namespace Dstack.Runtime.Backends;

/// <summary>A backend type that config.yml may configure, and how to make it.</summary>
/// <param name="Type">The name <c>type:</c> gives it, such as <c>ssh</c>.</param>
/// <param name="Create">Makes the backend.</param>
/// <param name="Reach">
/// Makes the backend to provision, reach and terminate instances it made, without config.yml (an offer carries what
/// its backend needs: a pool host removed since the plan still runs the job it took).
/// </param>
/// <param name="WithoutEntry">
/// True when <paramref name="Create"/> is also called when config.yml has no entry of the type (this machine, which
/// is on unless switched off; the SSH pool, whose hosts may still be under the old <c>ssh_hosts:</c>).
/// </param>
/// <param name="HowToConfigure">
/// What to tell a user who named the backend while it is not configured, when it is more than an entry in config.yml
/// (the SSH pool: a host added with <c>dstack pool add-ssh</c>).
/// </param>
public sealed record BackendRegistration(string Type, BackendFactory Create, Func<State.DstackHome, IBackend> Reach, bool WithoutEntry = false, string? HowToConfigure = null);
