#1774677123
sshpass -p 'changeme' ssh root@192.168.3.190 "cd /root/cdc-e2e-cyp-12.17.4 && python3 ./cmc-templates.py --template_name cmc-e2e --config_file cypress.atvm-config-gold.ts --containsVm debian9 --integration_type pure --use_specified_plugin iscsi --ignore_force_shutdown --exclude_partial_match atvm6-centos6.0 atvm41-redhat6.0 atvm73-oracle6.0 atvm113-debian9.0.0 atvm115-debian9.1.0 atvm116-debian9.2.0 atvm156-debian9.3.0 atvm144-suse15.0"
#1774677525
systemctl start atvm-run-watcher@e2e-debian9-0328
#1774677600
sshpass -p 'changeme' ssh root@192.168.3.190 "cd /root/cdc-e2e-cyp-12.17.4 && nohup python3 ./run-sorry-cypress.py --config_file cypress.atvm-config-gold.ts --build_name e2e-debian9-0328 > /tmp/e2e-debian9-0328.log 2>&1 &"
