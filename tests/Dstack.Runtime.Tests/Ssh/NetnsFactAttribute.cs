namespace Dstack.Runtime.Tests.Ssh;

/// <summary>
/// A fact that needs <see cref="NetnsHosts"/>: skipped, with the reason shown, only where this machine cannot make
/// network namespaces (not root, no <c>ip</c>, no sshd). Everywhere else it runs and can fail.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class NetnsFactAttribute : FactAttribute
{
    public NetnsFactAttribute()
    {
        Skip = NetnsHosts.UnavailableReason();
    }
}
