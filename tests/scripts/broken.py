print('this line is fine'
