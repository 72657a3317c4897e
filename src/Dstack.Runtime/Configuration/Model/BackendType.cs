using System.Runtime.Serialization;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>The backends dstack 0.18 knows, plus <c>ssh</c> for this project's SSH hosts.</summary>
public enum BackendType
{
    [EnumMember(Value = "aws")]
    Aws,
    [EnumMember(Value = "azure")]
    Azure,
    [EnumMember(Value = "cudo")]
    Cudo,
    [EnumMember(Value = "datacrunch")]
    DataCrunch,
    [EnumMember(Value = "dstack")]
    Dstack,
    [EnumMember(Value = "gcp")]
    Gcp,
    [EnumMember(Value = "kubernetes")]
    Kubernetes,
    [EnumMember(Value = "lambda")]
    Lambda,
    [EnumMember(Value = "local")]
    Local,
    [EnumMember(Value = "remote")]
    Remote,
    [EnumMember(Value = "nebius")]
    Nebius,
    [EnumMember(Value = "oci")]
    Oci,
    [EnumMember(Value = "runpod")]
    RunPod,
    [EnumMember(Value = "tensordock")]
    TensorDock,
    [EnumMember(Value = "vastai")]
    VastAi,
    [EnumMember(Value = "vultr")]
    Vultr,
    [EnumMember(Value = "ssh")]
    Ssh,
}
