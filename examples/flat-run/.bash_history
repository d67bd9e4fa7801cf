#1774515310
sshpass -p 'changeme' ssh root@192.168.3.190 "cd /root/cdc-e2e-cyp-12.17.4 && ls cypress/e2e/generated"
#1774515900
sshpass -p 'changeme' ssh root@192.168.3.190 "cd /root/cdc-e2e-cyp-12.17.4 && python3 ./cmc-templates.py --template_name cmc-e2e --config_file cypress.atvm-config-gold.ts --containsVm redhat9.7 --integration_type pure --use_specified_plugin iscsi --ignore_force_shutdown --exclude_partial_match atvm6-centos6.0 atvm41-redhat6.0 atvm73-oracle6.0 atvm113-debian9.0.0 atvm115-debian9.1.0 atvm116-debian9.2.0 atvm156-debian9.3.0 atvm144-suse15.0"
#1774516170
systemctl start atvm-run-watcher@e2e-redhat9.7-0326
#1774516200
sshpass -p 'changeme' ssh root@192.168.3.190 "cd /root/cdc-e2e-cyp-12.17.4 && nohup python3 ./run-sorry-cypress.py --config_file cypress.atvm-config-gold.ts --build_name e2e-redhat9.7-0326 > /tmp/e2e-redhat9.7-0326.log 2>&1 &"
#1774597961
sshpass -p 'changeme' ssh root@192.168.3.190 "cd /root/cdc-e2e-cyp-12.17.4 && python3 ./cmc-templates.py --template_name cmc-e2e --config_file cypress.atvm-config-gold.ts --containsVm redhat9 --integration_type pure --use_specified_plugin iscsi --ignore_force_shutdown --exclude_partial_match atvm6-centos6.0 atvm41-redhat6.0 atvm73-oracle6.0 atvm113-debian9.0.0 atvm115-debian9.1.0 atvm116-debian9.2.0 atvm156-debian9.3.0 atvm144-suse15.0"
#1774598102
sshpass -p 'changeme' ssh root@192.168.3.190 "cd /root/cdc-e2e-cyp-12.17.4 && grep -n generated cypress.atvm-config-gold.ts && ls cypress/e2e/generated"
#1774598250
systemctl start atvm-run-watcher@e2e-redhat9.7-0327
#1774598280
sshpass -p 'changeme' ssh root@192.168.3.190 "cd /root/cdc-e2e-cyp-12.17.4 && nohup python3 ./run-sorry-cypress.py --config_file cypress.atvm-config-gold.ts --build_name e2e-redhat9.7-0327 > /tmp/e2e-redhat9.7-0327.log 2>&1 &"
