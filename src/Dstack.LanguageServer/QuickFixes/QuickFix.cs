using Dstack.Runtime.Diagnostics;

namespace Dstack.LanguageServer.QuickFixes;

/// <summary>One way to fix one diagnostic, before it becomes an LSP <c>CodeAction</c>.</summary>
/// <param name="Title">What the editor's menu shows, such as <c>Rename `nmae` to `name`</c>.</param>
/// <param name="Diagnostic">The problem it fixes.</param>
/// <param name="Edit">The change to the document.</param>
/// <param name="IsPreferred">True when it is the one obvious fix; false when the user must choose between fixes.</param>
public sealed record QuickFix(string Title, Diagnostic Diagnostic, TextReplacement Edit, bool IsPreferred);
