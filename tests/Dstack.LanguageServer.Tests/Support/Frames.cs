using System.Text;

namespace Dstack.LanguageServer.Tests.Support;

/// <summary>Builds framed bytes by hand, so that tests can send exactly what a client (or a broken one) would.</summary>
public static class Frames
{
    public static byte[] Of(string json) => Of(Encoding.UTF8.GetBytes(json));

    public static byte[] Of(byte[] body) => [.. Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n"), .. body];

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
}
