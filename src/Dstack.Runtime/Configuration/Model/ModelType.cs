using System.Runtime.Serialization;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>The kind of model a service publishes; dstack 0.18 has chat models only.</summary>
public enum ModelType
{
    [EnumMember(Value = "chat")]
    Chat,
}
