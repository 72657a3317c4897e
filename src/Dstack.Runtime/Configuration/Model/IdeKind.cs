using System.Runtime.Serialization;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>The IDE a dev environment prepares.</summary>
public enum IdeKind
{
    [EnumMember(Value = "vscode")]
    VsCode,
}
