namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>A key pair imported with ImportKeyPair.</summary>
/// <param name="Id">E.g. <c>key-0123456789abcdef0</c>.</param>
/// <param name="Region">The region it was imported into (key pairs are regional).</param>
/// <param name="Name">The <c>KeyName</c>.</param>
/// <param name="PublicKey">The OpenSSH public key line, decoded from the base64 <c>PublicKeyMaterial</c>.</param>
/// <param name="KeyType"><c>rsa</c> or <c>ed25519</c>.</param>
/// <param name="Fingerprint">The SHA-256 digest of the key blob in base64 without padding, as EC2 gives for imported ED25519 keys.</param>
/// <param name="Tags">Its tags.</param>
/// <param name="Created">When it was imported.</param>
public sealed record FakeKeyPair(string Id, string Region, string Name, string PublicKey, string KeyType, string Fingerprint, IReadOnlyDictionary<string, string> Tags, DateTime Created);
