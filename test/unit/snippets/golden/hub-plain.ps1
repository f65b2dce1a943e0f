# Fire Stations: rows from the OKC open data portal (PowerShell, Invoke-RestMethod).
$Url = 'https://utility.arcgis.com/usrsvcs/servers/0123456789abcdef0123456789abcdef/rest/services/OpenData/Public_Safety/FeatureServer/4/query'
$Params = [ordered]@{
    'f' = 'json'
    'where' = '1=1'
    'outFields' = '*'
    'orderByFields' = 'OBJECTID ASC'
    'returnGeometry' = 'false'
    'outSR' = '4326'
}
$Token = [Environment]::GetEnvironmentVariable('OKC_PORTAL_TOKEN')
if ($Token) { $Params['token'] = $Token }

$Page = Invoke-RestMethod -Uri $Url -Method Get -Body $Params
# ArcGIS reports query errors with HTTP 200 and an "error" object.
if ($Page.error) { throw $Page.error.message }
$Rows = @($Page.features)
