namespace Dstack.Runtime.Configuration.Model;

/// <summary>For a service <c>port</c>: a bare number P means local port <paramref name="port"/> to container port P.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DefaultLocalPortAttribute(int port) : Attribute
{
    public int Port { get; } = port;
}
