namespace Dstack.LanguageServer.Protocol;

/// <summary>An LSP <c>Range</c> (named so as not to clash with <see cref="System.Range"/>): start inclusive, end exclusive.</summary>
public sealed record TextRange(Position Start, Position End);
