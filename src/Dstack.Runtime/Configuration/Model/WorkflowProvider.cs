using System.ComponentModel;
using System.Runtime.Serialization;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>How a legacy pipelines workflow runs its commands.</summary>
public enum WorkflowProvider
{
    [EnumMember(Value = "bash")]
    [Description("runs the commands with bash on the machine, with the chosen `python` (as a task without `image` does)")]
    Bash,

    [EnumMember(Value = "docker")]
    [Description("runs the commands inside the container of `image`, through the Docker engine of the machine")]
    Docker,
}
