namespace Mem0Gateway.Management;

/// <summary>Marks a management endpoint that answers only with the management bearer token, when one is configured.</summary>
public sealed class ManagementTokenRequiredMetadata
{
    public static readonly ManagementTokenRequiredMetadata Instance = new();

    private ManagementTokenRequiredMetadata()
    {
    }
}
