namespace Dstack.Runtime.Configuration.Model;

/// <summary>One environment variable. A null value means required: it comes from <c>-e</c> or the caller's environment.</summary>
public sealed record EnvVariable(string Name, string? Value)
{
    public bool IsRequired => Value is null;
}
