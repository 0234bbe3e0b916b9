#!/bin/bash
# DocuThinker Chroma host (ChromaMode=ec2): the user data of ChromaLaunchTemplate, an Fn::Sub template.
# docuthinker.yaml embeds this file verbatim and the CDK app reads it; the CDK pytest checks that both
# copies are identical. CloudFormation fills in the dollar-brace names of the variables below (stack
# values), so the shell code uses $NAME only, never the braced form.
#
# Auth: Chroma 1.x's server (the Rust frontend) has no authentication of its own: its open-source
# authenticator is a no-op, and chromadb 1.5.9 ignores CHROMA_SERVER_AUTHN_* (checked: it created a
# collection for a request without a token). So Chroma listens on 127.0.0.1 only, and nginx in front
# of it, on ChromaPort, answers 401 to any request without "Authorization: Bearer <token>", where
# the token is the DOCUTHINKER_CHROMA_TOKEN secret (what the ai tasks send).
#
# Boot: attach the data volume (it outlives the instance; wait until a replaced instance released
# it), format it once, start Chroma (Docker, data on the volume) and nginx, register this address as
# chroma.<stack>.internal in Cloud Map, then signal CloudFormation once the heartbeat answers through
# the proxy. Health: a timer checks that heartbeat every 30 s; after 4 failures in a row the
# instance marks itself Unhealthy and the Auto Scaling group replaces it.
set -euo pipefail
exec >>/var/log/docuthinker-chroma-boot.log 2>&1
umask 077
REGION='${AWS::Region}'
STACK='${AWS::StackName}'
ASG='${AWS::StackName}-chroma'
VOLUME='${ChromaDataVolume}'
SERVICE_ID='${ChromaDiscoveryService.Id}'
TOKEN_SECRET='${TokenSecretArn}'
PORT='${ChromaPort}'
IMAGE='${ChromaImage}'
UPSTREAM=127.0.0.1:18000
signal() { /opt/aws/bin/cfn-signal -e "$1" --stack "$STACK" --resource ChromaAutoScalingGroup --region "$REGION" || true; }
trap 'echo "boot failed at line $LINENO"; signal 1' ERR

dnf install -y docker nginx aws-cfn-bootstrap
IMDS=$(curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token)
md() { curl -fsS -H "X-aws-ec2-metadata-token: $IMDS" "http://169.254.169.254/latest/meta-data/$1"; }
INSTANCE=$(md instance-id)
IP=$(md local-ipv4)
AZ=$(md placement/availability-zone)

# 1. The data volume, in this instance's AZ (ChromaAvailabilityZone = the AZ of ChromaSubnetId).
VOLUME_AZ=$(aws ec2 describe-volumes --region "$REGION" --volume-ids "$VOLUME" --query 'Volumes[0].AvailabilityZone' --output text)
if [ "$VOLUME_AZ" != "$AZ" ]; then
  echo "volume $VOLUME is in $VOLUME_AZ, this instance in $AZ: ChromaAvailabilityZone must be the AZ of ChromaSubnetId"
  false
fi
for _ in $(seq 1 120); do
  STATE=$(aws ec2 describe-volumes --region "$REGION" --volume-ids "$VOLUME" --query 'Volumes[0].State' --output text)
  [ "$STATE" = available ] && break
  echo "volume $VOLUME is $STATE; waiting for the previous instance to release it"
  sleep 10
done
aws ec2 attach-volume --region "$REGION" --volume-id "$VOLUME" --instance-id "$INSTANCE" --device /dev/sdf
DEVICE=/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_$(echo "$VOLUME" | tr -d -)
for _ in $(seq 1 60); do
  [ -e "$DEVICE" ] && break
  [ -e /dev/xvdf ] && DEVICE=/dev/xvdf && break
  sleep 5
done
blkid "$DEVICE" || mkfs.xfs -L chroma-data "$DEVICE"
mkdir -p /var/lib/chroma
grep -q ' /var/lib/chroma ' /etc/fstab || echo "$DEVICE /var/lib/chroma xfs defaults,nofail 0 2" >>/etc/fstab
mount /var/lib/chroma

# 2. The token, for nginx and the health check (root-only files).
install -d -m 0700 /etc/docuthinker
aws secretsmanager get-secret-value --region "$REGION" --secret-id "$TOKEN_SECRET" --query SecretString --output text >/etc/docuthinker/chroma-token
TOKEN=$(cat /etc/docuthinker/chroma-token)
case "$TOKEN" in
  '' | *[!A-Za-z0-9._~+/=-]*) echo "the Chroma token must be non-empty and use only A-Za-z0-9._~+/=-"; false ;;
esac
cat >/etc/docuthinker/chroma.env <<EOF
REGION=$REGION
INSTANCE=$INSTANCE
IP=$IP
PORT=$PORT
SERVICE_ID=$SERVICE_ID
ASG=$ASG
EOF

# 3. Chroma (Docker, data on the volume, reachable from this host only).
mkdir -p /etc/systemd/system/docker.service.d
printf '[Unit]\nRequiresMountsFor=/var/lib/chroma\n' >/etc/systemd/system/docker.service.d/chroma-volume.conf
systemctl daemon-reload
systemctl enable --now docker
docker pull "$IMAGE"
docker rm -f chroma >/dev/null 2>&1 || true
docker run -d --name chroma --restart always -p "$UPSTREAM:8000" -v /var/lib/chroma:/data "$IMAGE"

# 4. nginx: the only way in, bearer token required on every path.
cat >/etc/nginx/conf.d/docuthinker-chroma.conf <<EOF
map \$http_authorization \$docuthinker_chroma_ok {
    default 0;
    "Bearer $TOKEN" 1;
}
server {
    listen $PORT;
    server_name _;
    client_max_body_size 256m;
    location / {
        if (\$docuthinker_chroma_ok = 0) {
            return 401;
        }
        proxy_pass http://$UPSTREAM;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host \$host;
        proxy_read_timeout 300s;
    }
}
EOF
chmod 0600 /etc/nginx/conf.d/docuthinker-chroma.conf
nginx -t
systemctl enable nginx
systemctl restart nginx

# 5. Wait for Chroma's heartbeat through the proxy (with the token), and check that the proxy refuses a request without it.
for _ in $(seq 1 60); do
  curl -fsS -m 5 -o /dev/null -H "Authorization: Bearer $TOKEN" "http://$IP:$PORT/api/v2/heartbeat" && break
  sleep 5
done
curl -fsS -m 5 -o /dev/null -H "Authorization: Bearer $TOKEN" "http://$IP:$PORT/api/v2/heartbeat"
[ "$(curl -sS -m 5 -o /dev/null -w '%{http_code}' "http://$IP:$PORT/api/v2/heartbeat")" = 401 ]

# 6. Health: heartbeat through the proxy every 30 s; 4 failures in a row -> Unhealthy -> replaced by the group.
cat >/usr/local/sbin/docuthinker-chroma-health <<'EOF'
#!/bin/bash
. /etc/docuthinker/chroma.env
FAILURES=/run/docuthinker-chroma-health.failures
if curl -fsS -m 5 -o /dev/null -H "Authorization: Bearer $(cat /etc/docuthinker/chroma-token)" "http://$IP:$PORT/api/v2/heartbeat"; then
  echo 0 >"$FAILURES"
  exit 0
fi
N=$(( $(cat "$FAILURES" 2>/dev/null || echo 0) + 1 ))
echo "$N" >"$FAILURES"
echo "chroma heartbeat through the proxy failed ($N in a row)"
if [ "$N" -ge 4 ]; then
  aws autoscaling set-instance-health --region "$REGION" --instance-id "$INSTANCE" --health-status Unhealthy
fi
exit 1
EOF
# Cloud Map: drop the record at shutdown if it still names this host (a replacement may have re-registered it).
cat >/usr/local/sbin/docuthinker-chroma-deregister <<'EOF'
#!/bin/bash
. /etc/docuthinker/chroma.env
CURRENT=$(aws servicediscovery get-instance --region "$REGION" --service-id "$SERVICE_ID" --instance-id chroma \
  --query 'Instance.Attributes.AWS_INSTANCE_IPV4' --output text 2>/dev/null || true)
if [ "$CURRENT" = "$IP" ]; then
  aws servicediscovery deregister-instance --region "$REGION" --service-id "$SERVICE_ID" --instance-id chroma
fi
EOF
chmod 0700 /usr/local/sbin/docuthinker-chroma-health /usr/local/sbin/docuthinker-chroma-deregister
cat >/etc/systemd/system/docuthinker-chroma-health.service <<'EOF'
[Unit]
Description=DocuThinker Chroma heartbeat through the proxy
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/docuthinker-chroma-health
EOF
cat >/etc/systemd/system/docuthinker-chroma-health.timer <<'EOF'
[Unit]
Description=DocuThinker Chroma heartbeat every 30 s
[Timer]
OnActiveSec=30s
OnUnitActiveSec=30s
[Install]
WantedBy=timers.target
EOF
cat >/etc/systemd/system/docuthinker-chroma-registration.service <<'EOF'
[Unit]
Description=DocuThinker Chroma Cloud Map registration (deregistered at shutdown)
Wants=network-online.target
After=network-online.target docker.service nginx.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/true
ExecStop=/usr/local/sbin/docuthinker-chroma-deregister
[Install]
WantedBy=multi-user.target
EOF
systemctl daemon-reload
systemctl enable --now docuthinker-chroma-health.timer docuthinker-chroma-registration.service

# 7. chroma.<stack>.internal -> this host (the fixed instance id "chroma" makes a replacement overwrite it).
OPERATION=$(aws servicediscovery register-instance --region "$REGION" --service-id "$SERVICE_ID" --instance-id chroma \
  --attributes "AWS_INSTANCE_IPV4=$IP,AWS_INSTANCE_PORT=$PORT" --query OperationId --output text)
for _ in $(seq 1 30); do
  STATUS=$(aws servicediscovery get-operation --region "$REGION" --operation-id "$OPERATION" --query Operation.Status --output text)
  [ "$STATUS" = SUCCESS ] && break
  [ "$STATUS" = FAIL ] && { echo "Cloud Map registration failed"; false; }
  sleep 5
done
[ "$STATUS" = SUCCESS ]

trap - ERR
echo "chroma ready at http://$IP:$PORT (volume $VOLUME, instance $INSTANCE, group $ASG)"
signal 0
