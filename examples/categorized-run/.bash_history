#1774612212
sshpass -p 'changeme' ssh root@192.168.3.190 "cd /root/cdc-e2e-cyp-12.17.4 && python3 ./cmc-templates.py --template_name cmc-e2e --config_file cypress.atvm-config-gold.ts --specify_vms atvm9-redhat9.7,atvm19-redhat9.7,atvm7-ubuntu24.04,atvm17-ubuntu24.04,atvm118-debian9.5.0,atvm119-debian9.6.0 --integration_type pure --use_specified_plugin iscsi --ignore_force_shutdown"
#1774612420
sshpass -p 'changeme' ssh root@192.168.3.190 "cd /root/cdc-e2e-cyp-12.17.4 && ls cypress/e2e/generated && grep -n specPattern -A8 cypress.atvm-config-gold.ts"
#1774612770
systemctl start atvm-run-watcher@e2e-0327
#1774612800
sshpass -p 'changeme' ssh root@192.168.3.190 "cd /root/cdc-e2e-cyp-12.17.4 && nohup python3 ./run-sorry-cypress.py --config_file cypress.atvm-config-gold.ts --build_name e2e-0327 --categorize > /tmp/e2e-0327.log 2>&1 &"
