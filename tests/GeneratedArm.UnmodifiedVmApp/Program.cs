using Azure.Identity;
using Azure.ResourceManager;
using Azure.ResourceManager.Resources;

// Prints the name of a resource group, the way the tutorial's VM would read it: a managed identity found by DefaultAzureCredential,
// ARM at https://management.azure.com. Usage: GeneratedArm.UnmodifiedVmApp <subscription-id> [<resource-group>] (default DevTest).
if (args.Length is < 1 or > 2)
{
    await Console.Error.WriteLineAsync("usage: GeneratedArm.UnmodifiedVmApp <subscription-id> [<resource-group>]");
    return 64;
}
string subscriptionId = args[0];
string resourceGroupName = args.Length > 1 ? args[1] : "DevTest";

var arm = new ArmClient(new DefaultAzureCredential());
var subscription = arm.GetSubscriptionResource(SubscriptionResource.CreateResourceIdentifier(subscriptionId));
ResourceGroupResource resourceGroup = await subscription.GetResourceGroupAsync(resourceGroupName);
Console.WriteLine(resourceGroup.Data.Name);
return 0;
