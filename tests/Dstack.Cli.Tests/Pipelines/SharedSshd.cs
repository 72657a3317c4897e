using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Cli.Tests.Pipelines;

/// <summary>One loopback sshd for every test of a class (an xunit class fixture needs a constructor without arguments).</summary>
public sealed class SharedSshd : IDisposable
{
    public LoopbackSshd Server { get; } = new();

    public void Dispose() => Server.Dispose();
}
