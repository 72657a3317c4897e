namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>One EC2 Query API request as the fake saw it: its action, the region it was signed for, and its parameters.</summary>
public sealed class Ec2Request
{
    public Ec2Request(string action, string region, IReadOnlyDictionary<string, string> parameters)
    {
        Action = action;
        Region = region;
        Parameters = new Ec2Parameters(parameters);
    }

    /// <summary>The <c>Action</c> parameter, e.g. <c>RunInstances</c>.</summary>
    public string Action { get; }

    /// <summary>The region of the SigV4 credential scope: the region the client meant to call.</summary>
    public string Region { get; }

    public Ec2Parameters Parameters { get; }

    /// <summary>A parameter's value by its full flattened name (<c>InstanceType</c>, <c>InstanceId.1</c>), or null.</summary>
    public string? this[string name] => Parameters[name];
}
