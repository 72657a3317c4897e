namespace Dstack.Runtime.Services;

/// <summary>A parsed piece of a chat template: text, <c>{{ }}</c> output, or a <c>for</c>/<c>if</c>/<c>set</c> block.</summary>
internal abstract record ChatNode;

internal sealed record ChatText(string Text) : ChatNode;

internal sealed record ChatOutput(ChatExpr Value) : ChatNode;

internal sealed record ChatFor(string Variable, ChatExpr Items, IReadOnlyList<ChatNode> Body, IReadOnlyList<ChatNode>? Else) : ChatNode;

internal sealed record ChatIf(IReadOnlyList<(ChatExpr Condition, IReadOnlyList<ChatNode> Body)> Branches, IReadOnlyList<ChatNode>? Else) : ChatNode;

internal sealed record ChatSet(string Variable, ChatExpr Value) : ChatNode;

/// <summary>An expression inside a tag, with where it starts (for rendering errors).</summary>
internal abstract record ChatExpr(int Line, int Column);

internal sealed record ChatLiteral(object? Value, int Line, int Column) : ChatExpr(Line, Column);

internal sealed record ChatList(IReadOnlyList<ChatExpr> Items, int Line, int Column) : ChatExpr(Line, Column);

internal sealed record ChatName(string Name, int Line, int Column) : ChatExpr(Line, Column);

internal sealed record ChatAttribute(ChatExpr Target, string Name, int Line, int Column) : ChatExpr(Line, Column);

internal sealed record ChatIndex(ChatExpr Target, ChatExpr Key, int Line, int Column) : ChatExpr(Line, Column);

internal sealed record ChatSlice(ChatExpr Target, ChatExpr? Start, ChatExpr? Stop, int Line, int Column) : ChatExpr(Line, Column);

internal sealed record ChatUnary(string Operator, ChatExpr Operand, int Line, int Column) : ChatExpr(Line, Column);

internal sealed record ChatBinary(string Operator, ChatExpr Left, ChatExpr Right, int Line, int Column) : ChatExpr(Line, Column);

internal sealed record ChatFilter(ChatExpr Target, string Name, int Line, int Column) : ChatExpr(Line, Column);

internal sealed record ChatTest(ChatExpr Target, string Name, bool Negated, int Line, int Column) : ChatExpr(Line, Column);

internal sealed record ChatConditional(ChatExpr Then, ChatExpr Condition, ChatExpr? Else, int Line, int Column) : ChatExpr(Line, Column);

internal sealed record ChatRaise(ChatExpr Message, int Line, int Column) : ChatExpr(Line, Column);
