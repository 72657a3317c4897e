using System.Runtime.Serialization;

namespace Dstack.Runtime.Resources;

/// <summary>Accelerator vendors. <c>tpu</c> is read as <see cref="Google"/>.</summary>
public enum GpuVendor
{
    [EnumMember(Value = "nvidia")]
    Nvidia,

    [EnumMember(Value = "amd")]
    Amd,

    [EnumMember(Value = "google")]
    Google,

    [EnumMember(Value = "intel")]
    Intel,
}
