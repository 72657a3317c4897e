using System.Runtime.Serialization;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>The IDE a dev environment prepares.</summary>
public enum IdeKind
{
    [EnumMember(Value = "vscode")]
    VsCode,

    /// <summary>Cursor (a VS Code fork): the link is <c>cursor://vscode-remote/ssh-remote+RUN/PATH</c>.</summary>
    [EnumMember(Value = "cursor")]
    Cursor,
}
