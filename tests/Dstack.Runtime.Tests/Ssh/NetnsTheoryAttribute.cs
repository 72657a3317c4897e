namespace Dstack.Runtime.Tests.Ssh;

/// <summary>A theory that needs <see cref="NetnsHosts"/>: skipped, with the reason shown, only where this machine cannot make network namespaces.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class NetnsTheoryAttribute : TheoryAttribute
{
    public NetnsTheoryAttribute()
    {
        Skip = NetnsHosts.UnavailableReason();
    }
}
