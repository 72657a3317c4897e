using System.Runtime.Serialization;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>How a legacy pipelines workflow runs its commands.</summary>
public enum WorkflowProvider
{
    [EnumMember(Value = "bash")]
    Bash,

    [EnumMember(Value = "docker")]
    Docker,
}
