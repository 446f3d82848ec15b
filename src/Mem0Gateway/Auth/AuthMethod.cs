namespace Mem0Gateway.Auth;

/// <summary>The credential a request carried, as the <c>auth_method</c> label.</summary>
public enum AuthMethod
{
    None,
    ApiKey,
    Bearer,
    Cookie,
}
